/** A file imported as text (`?raw`): Vite/Vitest natively, the edge build by its plugin. */
declare module '*?raw' {
  const text: string;
  export default text;
}
