/**
 * A tracking URI may carry a login (`http://user:password@host`, as MLflow's client allows). The login is used to
 * sign in and nothing else: every URI is printed, stored, journaled and logged without it.
 */
export interface Login {
  username: string;
  password: string;
}

/** `scheme://` then the user info, up to the last `@` before the path (as a URL parser reads it). */
const USER_INFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i;

/** The URI without its user and password; also for text that is not quite a URL (`http://user:pw@`). */
export function withoutCredentials(uri: string): string {
  return uri.replace(USER_INFO, '$1');
}

/** The login in a URI, percent-decoded (as Python's requests reads it for MLflow's client), if it has one. */
export function credentialsIn(uri: string): Login | undefined {
  const userInfo = USER_INFO.exec(uri)?.[2];
  if (userInfo === undefined) return undefined;
  const colon = userInfo.indexOf(':');
  const [username, password] = colon < 0 ? [userInfo, ''] : [userInfo.slice(0, colon), userInfo.slice(colon + 1)];
  return { username: decode(username), password: decode(password) };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
