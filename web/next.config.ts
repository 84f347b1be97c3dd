import type { NextConfig } from "next";

// The app is exported to static files (web/out) that `kmeme serve` embeds and
// serves at "/". Unknown ids cannot be pre-rendered, so pages take them from
// the query string (/remix?id=…). Nothing is fetched from a CDN: fonts come
// from the pretendard npm package and are bundled.
const nextConfig: NextConfig = {
  output: "export",
  trailingSlash: true,
  images: { unoptimized: true },
  poweredByHeader: false,
  reactStrictMode: true,
  eslint: { ignoreDuringBuilds: true },
  // In `next dev` the API lives on the Go server.
  ...(process.env.NODE_ENV === "development"
    ? {
        async rewrites() {
          return [{ source: "/api/:path*", destination: `${process.env.KMEME_API ?? "http://127.0.0.1:8080"}/api/:path*` }];
        },
      }
    : {}),
};

export default nextConfig;
