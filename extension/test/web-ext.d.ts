/** web-ext ships no types; the tests use its run and lint commands. */
declare module 'web-ext';
