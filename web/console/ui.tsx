/** Small shared pieces: links that stay in the app, status badges, errors, formatting. */
import type { ComponentChildren, TargetedMouseEvent } from "preact";
import { navigate } from "./hooks";
import { href } from "./router";

export function Link(props: { to: string; children: ComponentChildren; class?: string; "aria-current"?: "page" | undefined }) {
  const target = href(props.to);
  const onClick = (e: TargetedMouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(target);
  };
  return (
    <a href={target} onClick={onClick} class={props.class} aria-current={props["aria-current"]}>
      {props.children}
    </a>
  );
}

export const Status = (props: { status: string }) => <span class={`badge s-${props.status}`}>{props.status.replace(/_/g, " ")}</span>;

export function Problem(props: { error: string | null }) {
  return props.error ? (
    <p class="problem" role="alert">
      {props.error}
    </p>
  ) : null;
}

export const time = (iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" }) : "–";
export const dateTime = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : "–");
export const won = (amount: number | null | undefined, currency = "KRW") => (amount == null ? "–" : `${amount.toLocaleString()} ${currency}`);
export const seconds = (ms: number | null | undefined) => (ms == null ? "–" : `${(ms / 1000).toFixed(1)} s`);

/** A select of `options` with an "any" choice (the empty value). */
export function Filter(props: { label: string; value: string; options: readonly string[]; onChange: (v: string) => void }) {
  return (
    <label class="filter">
      {props.label}
      <select value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <option value="">any</option>
        {props.options.map((o) => (
          <option value={o} key={o}>
            {o.replace(/_/g, " ")}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Cursor paging: back to the first page, or on to the next one. */
export function Pager(props: { cursors: string[]; next: string | null; onFirst: () => void; onNext: (cursor: string) => void }) {
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={props.cursors.length === 0} onClick={props.onFirst}>
        First page
      </button>
      <span>Page {props.cursors.length + 1}</span>
      <button type="button" disabled={!props.next} onClick={() => props.next && props.onNext(props.next)}>
        Next page
      </button>
    </nav>
  );
}
