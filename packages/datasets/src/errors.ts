/** What is wrong with a data file, as a stable code a caller can branch on. */
export type FormatProblem =
  | 'bad-magic'
  | 'truncated'
  | 'dimension-mismatch'
  | 'label-count'
  | 'label-range'
  | 'unsupported'
  | 'missing-entry'
  | 'duplicate-entry'
  | 'too-large'
  | 'corrupt';

/** A data file that is not what its format promises. The message names the file and the problem. */
export class DataFormatError extends Error {
  readonly file: string;
  readonly problem: FormatProblem;

  constructor(file: string, problem: FormatProblem, detail: string) {
    super(`${file}: ${problemText[problem]}: ${detail}`);
    this.name = 'DataFormatError';
    this.file = file;
    this.problem = problem;
  }
}

const problemText: Record<FormatProblem, string> = {
  'bad-magic': 'bad magic number',
  truncated: 'truncated data',
  'dimension-mismatch': 'dimension mismatch',
  'label-count': 'wrong label count',
  'label-range': 'label out of range',
  unsupported: 'unsupported format',
  'missing-entry': 'missing entry',
  'duplicate-entry': 'duplicate entry',
  'too-large': 'too large',
  corrupt: 'corrupt data',
};

/** A file whose SHA-256 is not the published one. */
export class ChecksumError extends Error {
  readonly file: string;
  readonly expected: string;
  readonly actual: string;

  constructor(file: string, expected: string, actual: string, note = '') {
    super(`${file}: SHA-256 mismatch: expected ${expected}, got ${actual}${note ? `; ${note}` : ''}`);
    this.name = 'ChecksumError';
    this.file = file;
    this.expected = expected;
    this.actual = actual;
  }
}

/** One file a data set needs, and where it may be placed by hand. */
export interface MissingFile {
  readonly name: string;
  readonly bytes?: number;
  readonly sha256?: string;
  readonly url?: string;
}

/**
 * A data set that is neither on disk nor downloadable right now (no network, downloads disabled, or a data set
 * that cannot be downloaded at all). The message lists the files and the directory to put them in.
 */
export class DatasetUnavailableError extends Error {
  readonly dataset: string;
  readonly directory: string;
  readonly files: readonly MissingFile[];

  constructor(dataset: string, directory: string, files: readonly MissingFile[], reason: string) {
    const list = files.map((f) => {
      const facts = [f.bytes !== undefined ? `${f.bytes.toLocaleString('en-US')} bytes` : '', f.sha256 ? `sha256 ${f.sha256}` : '']
        .filter(Boolean).join(', ');
      return `  ${f.name}${facts ? ` (${facts})` : ''}${f.url ? `\n      from ${f.url}` : ''}`;
    });
    super(`${dataset}: ${reason}\nPlace these files in ${directory}:\n${list.join('\n')}`);
    this.name = 'DatasetUnavailableError';
    this.dataset = dataset;
    this.directory = directory;
    this.files = files;
  }
}
