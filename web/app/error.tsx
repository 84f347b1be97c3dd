"use client";
import { ErrorBox } from "@/components/ui/error-box";

/** The route error boundary: a Korean message and a way on, never a blank page. */
export default function RouteError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorBox error={error} onRetry={reset} />;
}
