import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (apt-get install chromium), or the one $CHROMIUM_PATH names; undefined when there is none. */
export function chromiumPath(): string | undefined {
  return [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
    (path): path is string => path !== undefined && path !== '' && existsSync(path),
  );
}

/** Headless Chromium driven by playwright-core (which downloads no browser of its own). */
export function launchChromium(executablePath: string): Promise<Browser> {
  // Chromium's own sandbox cannot start as root, which CI is.
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
}
