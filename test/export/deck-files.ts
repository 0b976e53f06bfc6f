import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import yauzl from 'yauzl';

const run = promisify(execFile);

/** Every text entry of a zip (a PPTX) by its path. */
export function unzipText(buffer: Buffer): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('no zip'));
      const entries = new Map<string, string>();
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!/\.(xml|rels)$/.test(entry.fileName)) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

const decode = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** A chart's series: name, category labels and cached values (null for an empty point). */
export function chartSeries(xml: string): { name: string; labels: string[]; values: (number | null)[] }[] {
  return [...xml.matchAll(/<c:ser>([\s\S]*?)<\/c:ser>/g)].map(([, ser]) => {
    const name = decode(/<c:tx>[\s\S]*?<c:v>([^<]*)<\/c:v>/.exec(ser!)?.[1] ?? '');
    const points = (tag: string) => {
      const section = new RegExp(`<c:${tag}>([\\s\\S]*?)</c:${tag}>`).exec(ser!)?.[1] ?? '';
      return [...section.matchAll(/<c:pt idx="\d+"><c:v>([^<]*)<\/c:v><\/c:pt>/g)].map(([, value]) => decode(value!));
    };
    return { name, labels: points('cat'), values: points('val').map((value) => (value === '' ? null : Number(value))) };
  });
}

/** The text runs of a slide, in order. */
export function slideTexts(xml: string): string[] {
  return [...xml.matchAll(/<a:t>([^<]*)<\/a:t>/g)].map(([, text]) => decode(text!));
}

/** The slides of a deck in order, each with its texts and the chart files it uses. */
export function slidesOf(entries: Map<string, string>): { texts: string[]; charts: string[]; notes: string }[] {
  const count = [...entries.keys()].filter((name) => /^ppt\/slides\/slide\d+\.xml$/.test(name)).length;
  return Array.from({ length: count }, (_, index) => {
    const rels = entries.get(`ppt/slides/_rels/slide${index + 1}.xml.rels`) ?? '';
    const charts = [...rels.matchAll(/Target="(?:\.\.|\/ppt)\/charts\/(chart\d+\.xml)"/g)].map(
      ([, file]) => `ppt/charts/${file}`,
    );
    const notesFile = /Target="\.\.\/notesSlides\/(notesSlide\d+\.xml)"/.exec(rels)?.[1];
    return {
      texts: slideTexts(entries.get(`ppt/slides/slide${index + 1}.xml`) ?? ''),
      charts,
      notes: notesFile ? slideTexts(entries.get(`ppt/notesSlides/${notesFile}`) ?? '').join(' ') : '',
    };
  });
}

export async function pdfText(file: string): Promise<string> {
  return (await run('pdftotext', ['-layout', file, '-'])).stdout;
}

export async function pdfPages(file: string): Promise<number> {
  return Number(/Pages:\s+(\d+)/.exec((await run('pdfinfo', [file])).stdout)?.[1]);
}

export async function pdfFonts(file: string): Promise<string> {
  return (await run('pdffonts', [file])).stdout;
}

export { run };
