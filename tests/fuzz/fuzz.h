/*
 * fuzz.h — the libFuzzer entry point every target defines.
 *
 * Each tests/fuzz/fuzz_NAME.c is linked twice: with clang's libFuzzer
 * (`make fuzz`), and with tests/fuzz/replay.c under gcc's ASan/UBSan so
 * that `make check` replays tests/fuzz/corpus/NAME and
 * tests/fuzz/crashes/NAME (saved findings) without libFuzzer.
 */
#ifndef XFRSYNC_TESTS_FUZZ_H
#define XFRSYNC_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
