import { defineConfig } from "vite";

// The production build goes to frontend/dist, which the web service (stack/web) serves at "/".
export default defineConfig({
  base: "./",
  build: {
    outDir: process.env.FAME_FRONTEND_OUT ?? "dist",
    emptyOutDir: true,
    target: "es2022",
    reportCompressedSize: false,
  },
  server: { fs: { allow: [".."] } },
  test: { environment: "node", include: ["test/**/*.test.ts"] },
} as any);
