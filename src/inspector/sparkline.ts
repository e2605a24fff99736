/**
 * A comm's traffic over the last minute as a small inline SVG line, one point per second.
 * Built with createElementNS and attributes, never markup.
 */
const SVG = 'http://www.w3.org/2000/svg';

/** The polyline's points for `series` in a `width` x `height` box (max at the top). */
export function sparkPoints(
  series: ReadonlyArray<number>,
  width: number,
  height: number
): string {
  if (series.length === 0) {
    return '';
  }
  const max = Math.max(1, ...series);
  const step = series.length > 1 ? width / (series.length - 1) : 0;
  return series
    .map((value, i) => {
      const x = (i * step).toFixed(1);
      const y = (height - 1 - (value / max) * (height - 2)).toFixed(1);
      return `${x},${y}`;
    })
    .join(' ');
}

/** The sparkline as an SVG element, labelled with `label` for screen readers. */
export function sparkline(
  series: ReadonlyArray<number>,
  label: string,
  width = 60,
  height = 16
): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'jp-ipycomm-sparkline');
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', sparkPoints(series, width, height));
  line.setAttribute('fill', 'none');
  svg.append(line);
  return svg;
}
