/**
 * The ArrayBuffer of exactly these bytes, for pkijs/asn1js and WebCrypto, which take ArrayBuffers.
 * `bytes.buffer` is not it: a Node Buffer is often a view into a shared pool, and Buffer#slice
 * returns a view too, so both can hand over unrelated memory. `new Uint8Array(view)` copies.
 */
export const exactArrayBuffer = (bytes: Uint8Array): ArrayBuffer => new Uint8Array(bytes).buffer;
