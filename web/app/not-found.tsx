import { Link } from "@/components/ui/link";

/** NotFound is the 404 page (bilingual: it renders before the language is known). */
export default function NotFound() {
  return (
    <div className="card">
      <h1>페이지를 찾을 수 없어요 · Page not found</h1>
      <p>
        <Link href="/">처음으로 · Home</Link>
      </p>
    </div>
  );
}
