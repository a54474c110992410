/**
 * A tracking URI may carry a login (`http://user:password@host`, as MLflow's client allows). The login is used to
 * sign in and nothing else: every URI is printed, stored, journaled and logged without it.
 *
 * One parser reads them all, the WHATWG URL parser that also signs in (undici's): whatever login form it accepts
 * (`http:user:pw@host`, `http:/user:pw@host`, backslashes, a tab inside the scheme, spaces around) is found and
 * taken out here, so no form slips past a narrower pattern.
 */
export interface Login {
  username: string;
  password: string;
}

/** A URI without its login, and the login it had. */
export interface SplitUri {
  uri: string;
  login?: Login;
}

/** `scheme:` then any slashes, then the user info up to the last `@` before the path: for text no URL parser reads. */
const LOOSE_USER_INFO = /^([a-z][a-z0-9+.-]*:)[/\\]*([^/?#\\]*)@/i;

/** The text as the URL parser reads it: C0 controls and spaces dropped at both ends, tabs and newlines anywhere. */
export function normalisedUri(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the URL parser's own rule, control characters included
  return text.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
}

/** Takes the login out of a URI (normalised); text that is not a URL loses whatever stands where a login would. */
export function splitLogin(text: string): SplitUri {
  const uri = normalisedUri(text);
  let url: URL | undefined;
  try {
    url = new URL(uri);
  } catch {
    const loose = LOOSE_USER_INFO.exec(uri);
    if (!loose) return { uri };
    return { uri: uri.replace(LOOSE_USER_INFO, '$1//'), login: loginOf(loose[2]) };
  }
  if (url.username === '' && url.password === '') return { uri };
  const login = { username: decode(url.username), password: decode(url.password) };
  url.username = '';
  url.password = '';
  // `http://user:pw@host` comes out as `http://host`, as it would have been written without its login.
  const bare = url.pathname === '/' && url.search === '' && url.hash === '' && !uri.endsWith('/');
  return { uri: bare ? url.href.replace(/\/$/, '') : url.href, login };
}

/** The URI without its user and password; also for text that is not quite a URL (`http://user:pw@`). */
export function withoutCredentials(uri: string): string {
  return splitLogin(uri).uri;
}

/** The login in a URI, percent-decoded (as Python's requests reads it for MLflow's client), if it has one. */
export function credentialsIn(uri: string): Login | undefined {
  return splitLogin(uri).login;
}

function loginOf(userInfo: string): Login {
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
