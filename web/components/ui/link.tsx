"use client";
// Link is next/link without viewport prefetching: next/link fetches and
// evaluates the code of every route whose link scrolls into view, which on a
// phone landed in the middle of the first load (the bottom bar alone links to
// four routes; bench-web measured the /map chunk's evaluation at 268 ms under
// 4× CPU throttling while the recipe page was still rendering). The route is
// prefetched on intent instead: pointer over it, a touch on it or focus.
import NextLink from "next/link";
import { useRouter } from "next/navigation";
import type { ComponentProps } from "react";

type Props = Omit<ComponentProps<typeof NextLink>, "prefetch">;

export function Link({ href, onPointerEnter, onTouchStart, onFocus, ...rest }: Props) {
  const router = useRouter();
  const target = typeof href === "string" ? href : null;
  const warm = () => {
    if (target) router.prefetch(target);
  };
  return (
    <NextLink
      href={href}
      prefetch={false}
      onPointerEnter={(e) => {
        warm();
        onPointerEnter?.(e);
      }}
      onTouchStart={(e) => {
        warm();
        onTouchStart?.(e);
      }}
      onFocus={(e) => {
        warm();
        onFocus?.(e);
      }}
      {...rest}
    />
  );
}
