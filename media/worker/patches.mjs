// Source edits applied to the copy of mediasoup's worker sources before
// building. Each one replaces an exact, expected text and throws when that text
// is missing: a new mediasoup version must make someone look at the edit again
// rather than silently build without it.

/**
 * mediasoup's DTLS BIO callback answers 1 to every operation except a bare
 * BIO_CB_RETURN, so also to BIO_CTRL_GET_KTLS_SEND (operation
 * `BIO_CB_CTRL | BIO_CB_RETURN`). Debian builds OpenSSL with kernel TLS, so
 * OpenSSL then believes the memory BIO sends through kernel TLS, never
 * allocates its DTLS write buffer and the worker dies with SIGSEGV during the
 * first handshake. mediasoup's bundled OpenSSL has KTLS compiled out, which is
 * why upstream does not see it. The callback must hand back OpenSSL's own
 * result for every "after" call.
 */
export const DTLS_BIO_CALLBACK_BUGGY =
	'long resultOfcallback = (operationType == BIO_CB_RETURN) ? static_cast<long>(ret) : 1;';
export const DTLS_BIO_CALLBACK_FIXED =
	'long resultOfcallback = (operationType & BIO_CB_RETURN) ? static_cast<long>(ret) : 1;';

/** Applies the fix above to the text of worker/src/RTC/DtlsTransport.cpp. */
export function fixDtlsBioCallback(source) {
	return replaceExactlyOnce(
		source,
		DTLS_BIO_CALLBACK_BUGGY,
		DTLS_BIO_CALLBACK_FIXED,
		'worker/src/RTC/DtlsTransport.cpp (onSslBioOut)'
	);
}

/**
 * Debian 12 ships meson 1.0.1; mediasoup asks for 1.1 but, with our local
 * subprojects instead of wraps, uses nothing that 1.0 lacks.
 */
export function relaxMesonVersion(source) {
	return replaceExactlyOnce(
		source,
		"meson_version: '>= 1.1.0',",
		"meson_version: '>= 1.0.0',",
		'worker/meson.build (project meson_version)'
	);
}

function replaceExactlyOnce(source, expected, replacement, where) {
	const parts = source.split(expected);

	if (parts.length !== 2) {
		throw new Error(
			`${where}: expected exactly one occurrence of\n  ${expected}\n` +
				`found ${parts.length - 1}. mediasoup's source changed: review this ` +
				'patch in media/worker/patches.mjs before building.'
		);
	}

	return parts.join(replacement);
}
