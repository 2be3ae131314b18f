/**
 * The browser of the browser tests (playwright-core drives it; playwright's own browser
 * downloads are not used). Found in this order:
 *  1. CHROMIUM_PATH, when set (it must exist);
 *  2. Debian's Chromium, /usr/bin/chromium (`apt-get install chromium`; what CI installs);
 *  3. the headless Chromium inside the npm package @sparticuz/chromium, extracted to the
 *     temporary directory on first use (a few seconds; later runs reuse it), with the shared
 *     libraries it needs beyond glibc (NSS, NSPR, expat: the package ships them for Amazon
 *     Linux) and its fonts, so it needs nothing a bare machine lacks. A machine with only Node
 *     and npm therefore runs the browser tests after `npm install`.
 */
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { chromium, type Browser } from "playwright-core";

export const DEBIAN_CHROMIUM = "/usr/bin/chromium";

/** Where @sparticuz/chromium extracts its browser (its executablePath() answers this path). */
export const NPM_CHROMIUM = join(tmpdir(), "chromium");
/** Where it extracts the shared libraries and the fonts that browser is run with. */
const NPM_LIBS = join(tmpdir(), "al2023", "lib");
const NPM_FONTS = join(tmpdir(), "fonts");

export interface FindOptions {
  /** The environment read for CHROMIUM_PATH (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Whether a file exists (default: fs.existsSync); tests inject their own. */
  exists?: (path: string) => boolean;
  /** Extracts the npm package's Chromium and answers its path (default: @sparticuz/chromium). */
  extractNpmChromium?: () => Promise<string>;
  /** "npm": skip CHROMIUM_PATH and Debian's, use the npm package's Chromium. */
  force?: "npm";
}

/** The flags every Chromium gets: headless, no sandbox (containers, root), nothing phoning home. */
const COMMON_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * @sparticuz/chromium's own flags that are left out: those that loosen the page's security
 * (never wanted in a test of that security), and its one-process mode (made for AWS Lambda:
 * there, closing a browser context closes the whole browser).
 */
const DROPPED_NPM_ARGS = new Set(["--disable-web-security", "--allow-running-insecure-content", "--single-process", "--no-zygote"]);

/** Extracts the npm package's browser, fonts and shared libraries (each once); answers the browser's path. */
async function extractSparticuz(): Promise<string> {
  const { default: Chromium, inflate } = await import("@sparticuz/chromium");
  const path = await Chromium.executablePath();
  // Its own code extracts the libraries on Amazon Linux only; they are what a bare Debian lacks too.
  const bin = join(dirname(createRequire(import.meta.url).resolve("@sparticuz/chromium")), "..", "bin");
  await inflate(join(bin, "al2023.tar.br"));
  return path;
}

/**
 * The path of the Chromium to run (see the order above).
 *
 * @example
 * await findChromium(); // "/usr/bin/chromium" on CI, "/tmp/chromium" on a bare machine
 * await findChromium({ force: "npm" }); // always the npm package's
 */
export async function findChromium(opts: FindOptions = {}): Promise<string> {
  const env = opts.env ?? process.env;
  const exists = opts.exists ?? existsSync;
  if (opts.force !== "npm") {
    const fromEnv = env.CHROMIUM_PATH;
    if (fromEnv) {
      if (!exists(fromEnv)) throw new Error(`CHROMIUM_PATH=${fromEnv}: no such file`);
      return fromEnv;
    }
    if (exists(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  }
  return (opts.extractNpmChromium ?? extractSparticuz)();
}

/** The launch flags for the Chromium at `path`: the npm build needs some of its own (its graphics stack, fonts). */
async function argsFor(path: string): Promise<string[]> {
  if (path !== NPM_CHROMIUM) return COMMON_ARGS;
  const { default: Chromium } = await import("@sparticuz/chromium");
  // Its "--headless='shell'" is playwright's to set (COMMON_ARGS has --headless).
  const own = Chromium.args.filter((arg) => !DROPPED_NPM_ARGS.has(arg) && !arg.startsWith("--headless"));
  return [...new Set([...COMMON_ARGS.filter((arg) => arg !== "--disable-gpu"), ...own])];
}

/**
 * A headless Chromium (findChromium's), driven by playwright-core. Close it when done.
 *
 * @example
 * const browser = await launchBrowser();
 * const page = await browser.newPage();
 */
export async function launchBrowser(opts: FindOptions = {}): Promise<Browser> {
  const executablePath = await findChromium(opts);
  if (executablePath !== NPM_CHROMIUM) return chromium.launch({ executablePath, args: await argsFor(executablePath) });
  // The npm build with the libraries and fonts it came with, first (not the machine's, which may be missing).
  const libraryPath = [NPM_LIBS, ...(process.env.LD_LIBRARY_PATH ?? "").split(":").filter(Boolean)].join(":");
  const env = { ...process.env, LD_LIBRARY_PATH: libraryPath, FONTCONFIG_PATH: process.env.FONTCONFIG_PATH ?? NPM_FONTS };
  return chromium.launch({ executablePath, args: await argsFor(executablePath), env });
}
