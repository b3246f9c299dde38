import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The production build goes to frontend/dist, which the web service (stack/web) serves at "/".
export default defineConfig({
  base: "./",
  resolve: {
    // `siwe` builds the Sign-In with Ethereum message and names ethers as a peer for verifying
    // signatures, which the social service does: the bundle gets viem's equivalents instead.
    alias: { ethers: fileURLToPath(new URL("./src/wallet/siwe-ethers.ts", import.meta.url)) },
  },
  build: {
    outDir: process.env.FAME_FRONTEND_OUT ?? "dist",
    emptyOutDir: true,
    target: "es2022",
    reportCompressedSize: false,
    // three.js is the live room's alone: a chunk of its own (three-<hash>.js), fetched when a
    // room opens, so the rest of the app does not carry it and its size is measured apart.
    chunkSizeWarningLimit: 800,
    rollupOptions: { output: { manualChunks: (id: string) => (id.includes("/node_modules/three/") ? "three" : undefined) } },
  },
  server: { fs: { allow: [".."] } },
  test: { environment: "node", include: ["test/**/*.test.ts"], server: { deps: { inline: ["siwe"] } } },
} as any);
