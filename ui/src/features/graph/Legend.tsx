/** What the lines and colours of the graph mean. */
export function Legend() {
  return (
    <div className="graph-legend" aria-label="Legend">
      <span className="graph-legend__item">
        <svg width="28" height="8" aria-hidden="true">
          <line x1="0" y1="4" x2="28" y2="4" className="legend-line legend-line--subject" />
        </svg>
        subject → issued
      </span>
      <span className="graph-legend__item">
        <svg width="28" height="8" aria-hidden="true">
          <line x1="0" y1="4" x2="28" y2="4" className="legend-line legend-line--actor" />
        </svg>
        actor → issued
      </span>
      <span className="graph-legend__item">
        <span className="legend-swatch legend-swatch--delegation" aria-hidden="true" />
        delegation (act)
      </span>
      <span className="graph-legend__item">
        <span className="legend-swatch legend-swatch--impersonation" aria-hidden="true" />
        impersonation (no act)
      </span>
      <span className="graph-legend__item">
        <span className="legend-swatch legend-swatch--grant" aria-hidden="true" />
        JWT grant (another domain)
      </span>
      <span className="graph-legend__item">
        <span className="legend-swatch legend-swatch--refused" aria-hidden="true" />✗ refused (no token)
      </span>
    </div>
  );
}
