import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium, headless, through playwright-core (no downloaded browsers). Shared by the
 * end-to-end tests and test/bench/dashboard.ts; CHROMIUM_PATH overrides the binary.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}
