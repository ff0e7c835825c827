import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

// Built into dist/ and served by the gateway itself: /, and /assets/ for the rest.
// `npx vite` serves the page with live reload and passes /v1 on to a running gateway.
export default defineConfig({
  plugins: [preact()],
  build: { outDir: "dist", emptyOutDir: true, assetsDir: "assets", sourcemap: false },
  server: { proxy: { "/v1": process.env.LPS_URL ?? "http://127.0.0.1:8080" } },
});
