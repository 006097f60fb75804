/** The name of the runtime ports views open to the background. */
export const VIEW_PORT = 'vidqueue-view';
