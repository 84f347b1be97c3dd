/** Shown while a route's code loads: a skeleton of the page's first screen. */
export default function Loading() {
  return (
    <div className="home-skeleton" aria-busy="true">
      <span className="skeleton line big" />
      <span className="skeleton line" />
      <span className="skeleton block" />
    </div>
  );
}
