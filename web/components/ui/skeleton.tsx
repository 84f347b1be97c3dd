/** ListSkeleton reserves the rows of a list while it loads. */
export function ListSkeleton({ rows = 3 }: { rows?: number }) {
  return (
    <ul className="node-list" aria-busy="true" aria-hidden="true">
      {Array.from({ length: rows }, (_, i) => (
        <li key={i}>
          <span className="node-row skeleton-row">
            <span className="thumb skeleton" />
            <span className="node-text">
              <span className="skeleton line" />
              <span className="skeleton line short" />
            </span>
          </span>
        </li>
      ))}
    </ul>
  );
}

/** CardsSkeleton reserves a grid of recipe cards. */
export function CardsSkeleton({ n = 3 }: { n?: number }) {
  return (
    <ul className="recipe-cards" aria-busy="true" aria-hidden="true">
      {Array.from({ length: n }, (_, i) => (
        <li key={i} className="recipe-card">
          <span className="card-img skeleton" />
          <span className="skeleton line" />
          <span className="skeleton line short" />
        </li>
      ))}
    </ul>
  );
}
