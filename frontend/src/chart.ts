// A tiny SVG line chart (reputation history): no chart library in the bundle.

export interface Point { t: number; v: number }

/** SVG path for points scaled into a width x height box (y grows downward). */
export function linePath(points: Point[], width: number, height: number, maxValue?: number): string {
  if (points.length === 0) return "";
  const ts = points.map((p) => p.t);
  const t0 = Math.min(...ts);
  const t1 = Math.max(...ts);
  const vmax = maxValue ?? Math.max(1, ...points.map((p) => p.v));
  const x = (t: number) => (t1 === t0 ? width / 2 : ((t - t0) / (t1 - t0)) * width);
  const y = (v: number) => height - (Math.min(v, vmax) / vmax) * height;
  return points
    .map((p, i) => `${i === 0 ? "M" : "L"}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`)
    .join(" ");
}

export function lineChart(points: Point[], label: string, maxValue: number, width = 240, height = 60): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `-2 -2 ${width + 4} ${height + 4}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.classList.add("chart");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", linePath(points, width, height, maxValue));
  path.setAttribute("fill", "none");
  path.setAttribute("stroke", "currentColor");
  path.setAttribute("stroke-width", "2");
  svg.append(path);
  for (const p of points.length === 1 ? points : []) {
    const dot = document.createElementNS(ns, "circle");
    dot.setAttribute("cx", String(width / 2));
    dot.setAttribute("cy", String(height - (p.v / maxValue) * height));
    dot.setAttribute("r", "3");
    dot.setAttribute("fill", "currentColor");
    svg.append(dot);
  }
  return svg;
}
