/*
 * cafile.c — trust anchors from a PEM file named in the configuration
 * (`ca-file`) or on the command line (`--ca-file`), for private endpoints
 * and tests.  Start-up only: it allocates, once, and reads the file.
 *
 * Like BearSSL's `brssl ta`: each CERTIFICATE becomes an anchor with the
 * subject DN and public key; the CA flag follows basicConstraints.  A
 * non-CA anchor matches only a server presenting that very key.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls/tls.h"

#define CA_FILE_MAX (4u << 20)

struct dn {
	uint8_t *p;
	size_t len, cap;
	int nomem;
};

static void
dn_append(void *ctx, const void *buf, size_t len)
{
	struct dn *d = ctx;

	if (d->nomem)
		return;
	if (d->len + len > d->cap) {
		size_t cap = (d->len + len) * 2;
		uint8_t *p = realloc(d->p, cap);

		if (p == NULL) {
			d->nomem = 1;
			return;
		}
		d->p = p;
		d->cap = cap;
	}
	memcpy(d->p + d->len, buf, len);
	d->len += len;
}

static uint8_t *
copy(const void *p, size_t n)
{
	uint8_t *q = malloc(n ? n : 1);

	if (q != NULL)
		memcpy(q, p, n);
	return q;
}

static void
free_anchor(br_x509_trust_anchor *a)
{
	free(a->dn.data);
	if (a->pkey.key_type == BR_KEYTYPE_RSA) {
		free(a->pkey.key.rsa.n);
		free(a->pkey.key.rsa.e);
	} else if (a->pkey.key_type == BR_KEYTYPE_EC) {
		free(a->pkey.key.ec.q);
	}
	memset(a, 0, sizeof *a);
}

void
tls_ca_free(struct tls_ca *ca)
{
	size_t i;

	for (i = 0; i < ca->n; i++)
		free_anchor(&ca->ta[i]);
	free(ca->ta);
	ca->ta = NULL;
	ca->n = 0;
}

/* One DER certificate to an anchor; 0 or a TLS_E_* code. */
static int
to_anchor(const uint8_t *der, size_t len, br_x509_trust_anchor *a)
{
	br_x509_decoder_context dc;
	struct dn dn = { NULL, 0, 0, 0 };
	const br_x509_pkey *pk;

	memset(a, 0, sizeof *a);
	br_x509_decoder_init(&dc, dn_append, &dn);
	br_x509_decoder_push(&dc, der, len);
	pk = br_x509_decoder_get_pkey(&dc);
	if (dn.nomem) {
		free(dn.p);
		return TLS_E_NOMEM;
	}
	if (pk == NULL) {
		free(dn.p);
		return br_x509_decoder_last_error(&dc) == BR_ERR_X509_UNSUPPORTED ?
		    TLS_E_KEY : TLS_E_CERT;
	}
	a->dn.data = dn.p;
	a->dn.len = dn.len;
	a->flags = br_x509_decoder_isCA(&dc) ? BR_X509_TA_CA : 0;
	a->pkey.key_type = pk->key_type;
	switch (pk->key_type) {
	case BR_KEYTYPE_RSA:
		a->pkey.key.rsa.n = copy(pk->key.rsa.n, pk->key.rsa.nlen);
		a->pkey.key.rsa.nlen = pk->key.rsa.nlen;
		a->pkey.key.rsa.e = copy(pk->key.rsa.e, pk->key.rsa.elen);
		a->pkey.key.rsa.elen = pk->key.rsa.elen;
		if (a->pkey.key.rsa.n == NULL || a->pkey.key.rsa.e == NULL) {
			free_anchor(a);
			return TLS_E_NOMEM;
		}
		return 0;
	case BR_KEYTYPE_EC:
		a->pkey.key.ec.curve = pk->key.ec.curve;
		a->pkey.key.ec.q = copy(pk->key.ec.q, pk->key.ec.qlen);
		a->pkey.key.ec.qlen = pk->key.ec.qlen;
		if (a->pkey.key.ec.q == NULL) {
			free_anchor(a);
			return TLS_E_NOMEM;
		}
		return 0;
	default:
		free_anchor(a);
		return TLS_E_KEY;
	}
}

static void
der_append(void *ctx, const void *buf, size_t len)
{
	dn_append(ctx, buf, len);
}

static int
add(struct tls_ca *ca, size_t *cap, const br_x509_trust_anchor *a)
{
	if (ca->n == *cap) {
		size_t c = *cap ? *cap * 2 : 8;
		br_x509_trust_anchor *p = realloc(ca->ta, c * sizeof *p);

		if (p == NULL)
			return TLS_E_NOMEM;
		ca->ta = p;
		*cap = c;
	}
	ca->ta[ca->n++] = *a;
	return 0;
}

static char *
slurp(const char *path, size_t *len, int *err)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, k;

	*err = 0;
	if (f == NULL) {
		*err = errno;
		return NULL;
	}
	for (;;) {
		if (cap - n < 4096) {
			char *p;

			cap = cap ? cap * 2 : 16384;
			if (cap > CA_FILE_MAX + 4096 ||
			    (p = realloc(buf, cap)) == NULL) {
				*err = cap > CA_FILE_MAX ? EFBIG : ENOMEM;
				break;
			}
			buf = p;
		}
		k = fread(buf + n, 1, cap - n, f);
		n += k;
		if (k == 0) {
			if (ferror(f))
				*err = errno ? errno : EIO;
			break;
		}
	}
	fclose(f);
	if (*err) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

int
tls_ca_file_load(const char *path, struct tls_ca *ca, char *err,
    size_t errlen)
{
	br_pem_decoder_context pc;
	struct dn obj = { NULL, 0, 0, 0 };
	br_x509_trust_anchor a;
	size_t len = 0, off = 0, cap = 0;
	char *text, name[128];
	int e, rc = 0, in_cert = 0, count = 0;

	ca->ta = NULL;
	ca->n = 0;
	if ((text = slurp(path, &len, &e)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return e == ENOMEM ? TLS_E_NOMEM : TLS_E_FILE;
	}
	br_pem_decoder_init(&pc);
	name[0] = '\0';
	/* A final newline, in case the file lacks one after its END line. */
	text[len++] = '\n';
	while (off < len && rc == 0) {
		off += br_pem_decoder_push(&pc, text + off, len - off);
		switch (br_pem_decoder_event(&pc)) {
		case BR_PEM_BEGIN_OBJ:
			snprintf(name, sizeof name, "%s",
			    br_pem_decoder_name(&pc));
			in_cert = strcmp(name, "CERTIFICATE") == 0 ||
			    strcmp(name, "X509 CERTIFICATE") == 0;
			obj.len = 0;
			br_pem_decoder_setdest(&pc, in_cert ? der_append : NULL,
			    &obj);
			break;
		case BR_PEM_END_OBJ:
			if (!in_cert)
				break;
			count++;
			if (obj.nomem) {
				rc = TLS_E_NOMEM;
				break;
			}
			rc = to_anchor(obj.p, obj.len, &a);
			if (rc == 0 && (rc = add(ca, &cap, &a)) != 0)
				free_anchor(&a);
			if (rc != 0)
				snprintf(err, errlen, "%s: certificate %d: %s",
				    path, count, tls_strerror(rc));
			in_cert = 0;
			break;
		case BR_PEM_ERROR:
			rc = TLS_E_PEM;
			snprintf(err, errlen, "%s: malformed PEM%s", path,
			    count ? " after the last good certificate" : "");
			break;
		default:
			break;
		}
	}
	if (rc == 0 && in_cert) {
		rc = TLS_E_PEM;
		snprintf(err, errlen, "%s: unterminated PEM object", path);
	}
	if (rc == 0 && ca->n == 0) {
		rc = TLS_E_EMPTY;
		snprintf(err, errlen, "%s: no CERTIFICATE in the file", path);
	}
	free(obj.p);
	free(text);
	if (rc != 0)
		tls_ca_free(ca);
	return rc;
}
