// The part of pdfmake 0.3's Node API the PDF export uses. Its DefinitelyTyped
// package pulls the DOM library into the whole program, so it is not used.
declare module 'pdfmake' {
  export type PdfContent = string | PdfContent[] | { readonly [property: string]: unknown };
  export interface PdfFont {
    readonly normal: string;
    readonly bold: string;
    readonly italics: string;
    readonly bolditalics: string;
  }
  export interface PdfDocument {
    readonly content: PdfContent[];
    readonly [property: string]: unknown;
  }
  interface PdfMake {
    setFonts(fonts: Record<string, PdfFont>): void;
    setUrlAccessPolicy(allow: (url: string) => boolean): void;
    setLocalAccessPolicy(allow: (path: string) => boolean): void;
    createPdf(definition: PdfDocument): { getBuffer(): Promise<Buffer> };
  }
  const pdfmake: PdfMake;
  export default pdfmake;
}
