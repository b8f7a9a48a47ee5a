/**
 * Taking in request bodies without letting a candidate spend the runner's memory or event loop: a body that declares
 * (Content-Length) more than MAX_BODY_BYTES is refused before a byte of it is read; the bytes buffered at once are
 * bounded per candidate and for the whole proxy (a call that would pass either bound is answered 429 at once), and a
 * refused upload's connection is closed rather than drained. A body without a length is counted as it arrives.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export const MAX_BODY_BYTES = 32 * 1024 * 1024;
/** Bytes of request bodies one candidate may have buffered in the runner at once (its calls in flight together). */
export const MAX_CANDIDATE_BYTES = 64 * 1024 * 1024;
/** Bytes of request bodies all candidates together may have buffered in the runner at once. */
export const MAX_TOTAL_BYTES = 256 * 1024 * 1024;

export type Intake =
  | { ok: true; raw: Buffer; release: () => void }
  | { ok: false; status: 413 | 429; type: 'request_too_large' | 'rate_limit_error'; message: string };

export class BodyIntake {
  private total = 0;
  private readonly held = new Map<string, number>();

  /** Bytes buffered now (for tests and the bench). */
  bufferedBytes(): number {
    return this.total;
  }

  /** Reads the body of `req` for `candidateId` within the bounds; `release` must be called when the call ends. */
  read(req: IncomingMessage, candidateId: string): Promise<Intake> {
    const length = req.headers['content-length'];
    const declared = length !== undefined && /^\d+$/.test(length) ? Number(length) : null;
    if (declared !== null && declared > MAX_BODY_BYTES) return Promise.resolve(tooLarge());
    let taken = 0;
    const take = (n: number): Intake | null => {
      if (taken + n > MAX_BODY_BYTES) return tooLarge();
      const mine = this.held.get(candidateId) ?? 0;
      if (mine + n > MAX_CANDIDATE_BYTES || this.total + n > MAX_TOTAL_BYTES) {
        return { ok: false, status: 429, type: 'rate_limit_error', message: 'too many request bytes in flight: wait for your other calls to finish' };
      }
      this.held.set(candidateId, mine + n);
      this.total += n;
      taken += n;
      return null;
    };
    const release = () => {
      const mine = (this.held.get(candidateId) ?? 0) - taken;
      if (mine > 0) this.held.set(candidateId, mine);
      else this.held.delete(candidateId);
      this.total -= taken;
      taken = 0;
    };
    // The declared length is reserved before reading, so concurrent uploads cannot each pass the bound halfway.
    const early = declared !== null ? take(declared) : null;
    if (early) return Promise.resolve(early);
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let over: Intake | null = null;
      req.on('data', (chunk: Buffer) => {
        if (over) return;
        size += chunk.length;
        const refused = size > (declared ?? Infinity) ? tooLarge() : declared === null ? take(chunk.length) : null;
        if (refused) {
          over = refused;
          chunks.length = 0;
          release();
          resolve(refused);
        } else chunks.push(chunk);
      });
      req.on('end', () => { if (!over) resolve({ ok: true, raw: Buffer.concat(chunks), release }); });
      req.on('error', () => {
        release();
        if (!over) resolve({ ok: false, status: 413, type: 'request_too_large', message: 'the request body did not arrive' });
      });
    });
  }
}

function tooLarge(): Intake {
  return { ok: false, status: 413, type: 'request_too_large', message: `request body larger than ${MAX_BODY_BYTES} bytes` };
}

/** After a refused upload the connection is closed once the answer is out, so the rest of the body is never read. */
export function closeAfterAnswer(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('connection', 'close');
  res.on('finish', () => req.socket.destroy());
}
