// The npm package espeak-ng ships eSpeak NG's command-line program compiled
// by Emscripten (MODULARIZE, ES6) without type declarations: the part used here.
declare module 'espeak-ng' {
  interface EspeakFs {
    writeFile(path: string, data: string | Uint8Array): void;
    readFile(path: string): Uint8Array;
  }
  interface EspeakModule {
    FS: EspeakFs;
  }
  interface EspeakOptions {
    arguments: string[];
    preRun?: Array<(m: EspeakModule) => void>;
    print?: (s: string) => void;
    printErr?: (s: string) => void;
    instantiateWasm?: (imports: object, done: (instance: object, module: object) => void) => object;
  }
  const create: (options: EspeakOptions) => Promise<EspeakModule>;
  export default create;
}
