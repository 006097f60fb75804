/**
 * Who is who between the extension and the native host.
 *
 * The development build of the extension carries DEV_EXTENSION_KEY in its manifest, which
 * fixes its id everywhere, so tests and the demo can allow it before the extension is ever
 * loaded. That key is public (it is in this file): any extension built with it gets the same
 * id, so only `vidqueue install --dev` allows it. A real install allows the store builds' ids
 * and the ids given with `--extension-id` (a release build loaded unpacked has an id of its own).
 */
export const NATIVE_HOST_NAME = 'com.vidqueue.host';
export const DEV_EXTENSION_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAySzFnYQpsl7lguzmrWvy7RHqVx0SgKcHQZ19Jo7Yy+312TQNP0V5vm0fW8WDYQ0LOSGVSA+LuyDvbKXD60NAMCkRntui+GIWmEQVllJ++LSGmxP/oCPjJD/3MnVj0RUOGTm2ZZKAMFbQDAvpVlwX4sBZPVabM5xzm1z4DiLACziVDvWwCiowwxBUwkRKvnynRxv7NeYH6Ys30Ymiy/0y/0h+ko7YhuIOZ2ogW3GkmlUMg0YD4iSYfjse4fJCLt4zSGcODgVFpXi/OKlCCF4iQ6+wHICeAw3A5vtNOJd74eg/MnynKOeCizc3UzYanqagW/0gdc3vcW2Twl1YDXt8ZwIDAQAB';
/** Derived from DEV_EXTENSION_KEY (first 128 bits of its SHA-256, as letters a–p). */
export const DEV_EXTENSION_ID = 'jmbanghbfkaamlnhdlipdknhfpnimkjc';
/**
 * The ids of VidQueue in the browsers' stores (Chrome Web Store, Edge Add-ons), allowed by
 * every install. Empty: VidQueue is not published yet, so a real install needs `--extension-id`.
 */
export const STORE_EXTENSION_IDS: readonly string[] = [];
export const FIREFOX_ADDON_ID = 'vidqueue@vidqueue.dev';
