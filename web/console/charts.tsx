/** Tiny inline SVG charts for the health page: no chart library. */

/** A line through the last values, scaled to its own range. */
export function Sparkline(props: { values: readonly (number | null)[]; label: string; width?: number; height?: number }) {
  const w = props.width ?? 160;
  const h = props.height ?? 36;
  const known = props.values.filter((v): v is number => v != null);
  const max = Math.max(1, ...known);
  const min = Math.min(0, ...known);
  const step = props.values.length > 1 ? w / (props.values.length - 1) : w;
  const points = props.values
    .map((v, i) => (v == null ? null : `${(i * step).toFixed(1)},${(h - 2 - ((v - min) / (max - min || 1)) * (h - 4)).toFixed(1)}`))
    .filter((p): p is string => p !== null)
    .join(" ");
  return (
    <svg class="spark" width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={props.label}>
      <title>{props.label}</title>
      <polyline points={points} fill="none" stroke="currentColor" stroke-width="2" />
    </svg>
  );
}

/** One horizontal bar per entry, scaled to the largest. */
export function Bars(props: { entries: readonly [string, number][]; label: string }) {
  const max = Math.max(1, ...props.entries.map(([, n]) => n));
  const row = 22;
  const labelW = 130;
  const barW = 220;
  return (
    <svg class="bars" width={labelW + barW + 50} height={props.entries.length * row} role="img" aria-label={props.label}>
      <title>{props.label}</title>
      {props.entries.map(([name, n], i) => (
        <g key={name} transform={`translate(0 ${i * row})`}>
          <text x={labelW - 8} y={row / 2 + 4} text-anchor="end">
            {name.replace(/_/g, " ")}
          </text>
          <rect x={labelW} y={4} height={row - 8} width={Math.max(1, (n / max) * barW)} class={`bar s-${name}`} />
          <text x={labelW + (n / max) * barW + 6} y={row / 2 + 4}>
            {n}
          </text>
        </g>
      ))}
    </svg>
  );
}
