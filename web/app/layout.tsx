import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
// Pretendard ships its woff2 files in the npm package; they are bundled and
// served from our own origin (no font CDN).
import "pretendard/dist/web/variable/pretendardvariable-dynamic-subset.css";
import "./globals.css";
import { Providers } from "@/components/providers";
import { BottomNav, Header } from "@/components/header";
import { OfflineBanner } from "@/components/ui/offline-banner";
import { MainSlot } from "@/components/main-slot";

export const metadata: Metadata = {
  title: { default: "K-MEME 팩토리", template: "%s · K-MEME 팩토리" },
  description: "바이럴 숏폼 영상을 한국형 리믹스 레시피로 바꿔주는 서비스",
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
    { media: "(prefers-color-scheme: dark)", color: "#111318" },
  ],
};

/** RootLayout is the page frame shared by every route. */
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="ko">
      <body>
        <Providers>
          <Header />
          <OfflineBanner />
          <main id="main" tabIndex={-1}>
            <MainSlot>{children}</MainSlot>
          </main>
          <BottomNav />
        </Providers>
      </body>
    </html>
  );
}
