// The gateway's cron triggers, run by the local dev server as Cloudflare runs them.
//
// `wrangler dev` never fires scheduled events by itself (Miniflare does not), so without
// this the local system would never reconcile payments or repair its views: a local run
// would not heal the way production does. This ticker calls the dev server's
// `/cdn-cgi/local/scheduled?cron=...` route for each cron of wrangler.toml whose minute
// pattern matches ("*" and "*/n" are understood; any other
// pattern runs hourly at minute 0). `DEV_CRON_EVERY_S` fires every cron at that interval
// instead (the crash test's knob); `DEV_CRON=off` turns the ticker off.
import { readFileSync } from "node:fs";

/** The crons of a wrangler config's top-level `[triggers]`. */
export function cronsOf(tomlText) {
  const top = tomlText.split(/^\[env\./m)[0];
  const triggers = top.match(/^\[triggers\][^[]*?crons\s*=\s*\[([^\]]*)\]/m);
  return triggers ? [...triggers[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]) : [];
}

/** Whether `cron`'s minute field matches `minute` (0-59). */
export function minuteMatches(cron, minute) {
  const field = cron.trim().split(/\s+/)[0];
  if (field === "*") return true;
  const every = field.match(/^\*\/(\d+)$/);
  if (every) return minute % Number(every[1]) === 0;
  return /^\d+$/.test(field) ? Number(field) === minute : minute === 0;
}

/**
 * Starts the ticker against the dev server at `baseUrl`; answers a function that stops it.
 *
 * @example
 * const stop = startCronTicker("http://127.0.0.1:8787", "wrangler.toml", process.env);
 */
export function startCronTicker(baseUrl, configPath, env) {
  if (env.DEV_CRON === "off") return () => {};
  const crons = cronsOf(readFileSync(configPath, "utf8"));
  if (crons.length === 0) return () => {};
  const fire = (cron) =>
    fetch(`${baseUrl}/cdn-cgi/local/scheduled?cron=${encodeURIComponent(cron)}`).then(
      (res) => {
        if (!res.ok) console.warn(`dev: cron ${cron} answered ${res.status}`);
      },
      () => undefined, // the server is starting or restarting: the next tick tries again
    );
  const everyS = Number(env.DEV_CRON_EVERY_S);
  let timer;
  if (everyS > 0) {
    timer = setInterval(() => crons.forEach(fire), everyS * 1000);
  } else {
    let last = -1;
    timer = setInterval(() => {
      const now = new Date();
      if (now.getUTCMinutes() === last) return;
      last = now.getUTCMinutes();
      for (const cron of crons) if (minuteMatches(cron, last)) void fire(cron);
    }, 5000);
  }
  timer.unref?.();
  console.log(`dev: running the crons ${crons.join(", ")} ${everyS > 0 ? `every ${everyS} s` : "on their schedule"} (DEV_CRON=off to stop)`);
  return () => clearInterval(timer);
}
