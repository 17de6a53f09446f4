// Types for patches.mjs, which stays plain JavaScript so that the postinstall
// script runs without a TypeScript loader.
export declare const DTLS_BIO_CALLBACK_BUGGY: string;
export declare const DTLS_BIO_CALLBACK_FIXED: string;
export declare function fixDtlsBioCallback(source: string): string;
export declare function relaxMesonVersion(source: string): string;
