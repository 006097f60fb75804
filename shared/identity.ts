/**
 * Who is who between the extension and the native host. The development build of the
 * extension carries this public key in its manifest, which fixes its id everywhere, so the
 * host's manifest can allow it before the extension is ever loaded.
 */
export const NATIVE_HOST_NAME = 'com.vidqueue.host';
export const DEV_EXTENSION_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAySzFnYQpsl7lguzmrWvy7RHqVx0SgKcHQZ19Jo7Yy+312TQNP0V5vm0fW8WDYQ0LOSGVSA+LuyDvbKXD60NAMCkRntui+GIWmEQVllJ++LSGmxP/oCPjJD/3MnVj0RUOGTm2ZZKAMFbQDAvpVlwX4sBZPVabM5xzm1z4DiLACziVDvWwCiowwxBUwkRKvnynRxv7NeYH6Ys30Ymiy/0y/0h+ko7YhuIOZ2ogW3GkmlUMg0YD4iSYfjse4fJCLt4zSGcODgVFpXi/OKlCCF4iQ6+wHICeAw3A5vtNOJd74eg/MnynKOeCizc3UzYanqagW/0gdc3vcW2Twl1YDXt8ZwIDAQAB';
/** Derived from DEV_EXTENSION_KEY (first 128 bits of its SHA-256, as letters a–p). */
export const DEV_EXTENSION_ID = 'jmbanghbfkaamlnhdlipdknhfpnimkjc';
export const FIREFOX_ADDON_ID = 'vidqueue@vidqueue.dev';
