/*
 * fuzz_stub.c — the stub resolver's answer check on arbitrary bytes.  The
 * query is for www.example.com, A or AAAA (first byte), with the ID taken
 * from the answer so seeds reach past the ID check.  Whatever the verdict,
 * the kept addresses must be within bounds and an answer must hold some.
 */
#include <stdlib.h>

#include "net/rrtype.h"
#include "net/stub.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t qname[] = "\3www\7example\3com";
	struct stub_answer a;
	struct stub_q q;
	enum stub_verdict v;

	if (size < 3)
		return 0;
	q.id = (uint16_t)(data[1] << 8 | data[2]);
	q.qtype = (data[0] & 1) ? DNS_T_AAAA : DNS_T_A;
	q.qname = qname;
	q.exact_case = (data[0] & 2) != 0;
	v = stub_check(data + 1, size - 1, &q, &a);
	if (a.n > STUB_ADDR_MAX || a.chain > STUB_CHAIN_MAX ||
	    (v == STUB_ANSWER && a.n == 0))
		abort();
	return 0;
}
