// Builds the single-page app into the Python package, where gridbase serves it at `/`.
// `npm run dev` proxies the API and the websocket to a gridbase on port 8000.
import { defineConfig } from "vite";

const backend = process.env.GRIDBASE_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  esbuild: { jsx: "automatic" },
  build: {
    outDir: "../src/gridbase/web_dist",
    emptyOutDir: true,
    assetsDir: "assets",
    chunkSizeWarningLimit: 1000,
  },
  server: {
    proxy: {
      "/api": backend,
      "/api-docs": backend,
      "/ws": { target: backend, ws: true },
    },
  },
});
