import { Assembler } from '../../chunks/assembler';
import { parseChunked, payloadBound, payloadOf } from '../../chunks/format';
import { chunksOf } from '../../chunks/splitter';

function bytes(n: number, seed = 0): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = (i * 31 + seed) & 0xff;
  }
  return out;
}

describe('chunksOf', () => {
  it('cuts the payload into chunk-size slices that add up to it, size and parts on chunk 0', () => {
    const payload = payloadOf({ name: 'x' }, [bytes(10), bytes(7, 3)]);
    const chunks = [...chunksOf(payload, 4, 't1')];
    expect(chunks.map(c => c.slice.byteLength)).toEqual([
      4, 4, 4, 4, 4, 4, 4, 1
    ]);
    expect(chunks[0].header).toEqual({
      transfer: 't1',
      index: 0,
      count: 8,
      size: 29,
      parts: [12, 10, 7]
    });
    expect(chunks[1].header).toEqual({ transfer: 't1', index: 1, count: 8 });
  });

  it('makes one chunk of an empty payload', () => {
    const payload = { parts: [new Uint8Array(0)], size: 0 };
    expect([...chunksOf(payload, 4, 't')]).toHaveLength(1);
  });

  it('refuses a chunk size that is not a positive integer', () => {
    const payload = payloadOf({}, []);
    expect(() => [...chunksOf(payload, 0, 't')]).toThrow(/positive integer/);
  });

  it('copies slices out of buffer views at their offset, not from the start', () => {
    const whole = bytes(32);
    const view = new DataView(whole.buffer, 8, 16);
    const payload = payloadOf({}, [view]);
    const slices = [...chunksOf(payload, 100, 't')].map(
      c => new Uint8Array(c.slice)
    );
    expect([...slices[0].subarray(2)]).toEqual([...whole.subarray(8, 24)]);
  });
});

describe('Assembler', () => {
  function roundTrip(data: object, buffers: Uint8Array[], chunkSize: number) {
    const assembler = new Assembler();
    let result = null;
    for (const { header, slice } of chunksOf(
      payloadOf(data, buffers),
      chunkSize,
      't'
    )) {
      const parsed = parseChunked({ ipycomm_chunk: { ...header } });
      if (!parsed.ok || parsed.value.kind !== 'chunk') {
        throw new Error('a chunk header did not parse');
      }
      const taken = assembler.accept('c1', parsed.value.header, slice);
      if (!taken.ok) {
        throw new Error(taken.error);
      }
      result = taken.value;
    }
    return { result, assembler };
  }

  it('gives back the data and buffers byte for byte, after the last chunk only', () => {
    const buffers = [bytes(1000), bytes(1, 9), bytes(333, 5)];
    const { result, assembler } = roundTrip({ a: 'é', n: [1, 2] }, buffers, 64);
    expect(result).not.toBeNull();
    expect(result!.data).toEqual({ a: 'é', n: [1, 2] });
    expect(
      result!.buffers.map(b => [
        ...new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
      ])
    ).toEqual(buffers.map(b => [...b]));
    expect(assembler.partials).toEqual([]);
  });

  it('says how far a partial message got, and hands nothing out before the end', () => {
    const assembler = new Assembler();
    const chunks = [...chunksOf(payloadOf({}, [bytes(100)]), 40, 't')];
    expect(assembler.accept('c1', chunks[0].header, chunks[0].slice)).toEqual({
      ok: true,
      value: null
    });
    expect(assembler.partials).toEqual([
      { transfer: 't', commId: 'c1', size: 102, received: 40 }
    ]);
  });

  it('drops a transfer whose chunks come out of order, naming the chunk expected', () => {
    const assembler = new Assembler();
    const chunks = [...chunksOf(payloadOf({}, [bytes(100)]), 40, 't')];
    assembler.accept('c1', chunks[0].header, chunks[0].slice);
    const taken = assembler.accept('c1', chunks[2].header, chunks[2].slice);
    expect(taken).toEqual({
      ok: false,
      error: expect.stringMatching(/expected chunk 1 of 3/)
    });
    expect(assembler.partials).toEqual([]);
  });

  it('drops a transfer whose chunk overflows the announced size', () => {
    const assembler = new Assembler();
    const chunks = [...chunksOf(payloadOf({}, [bytes(100)]), 40, 't')];
    const taken = assembler.accept('c1', chunks[0].header, new Uint8Array(200));
    expect(taken).toEqual({
      ok: false,
      error: expect.stringMatching(/overflows/)
    });
  });

  it('refuses chunk 0 of a message over its limit before allocating it', () => {
    const assembler = new Assembler(50);
    const [first] = chunksOf(payloadOf({}, [bytes(100)]), 40, 't');
    expect(assembler.accept('c1', first.header, first.slice)).toEqual({
      ok: false,
      error: expect.stringMatching(/102 bytes exceeds the limit of 50/)
    });
  });

  it('drops the partial messages of a comm that closed, and only those', () => {
    const assembler = new Assembler();
    const [a] = chunksOf(payloadOf({}, [bytes(100)]), 40, 'a');
    const [b] = chunksOf(payloadOf({}, [bytes(100)]), 40, 'b');
    assembler.accept('c1', a.header, a.slice);
    assembler.accept('c2', b.header, b.slice);
    expect(assembler.dropComm('c1').map(p => p.transfer)).toEqual(['a']);
    expect(assembler.partials.map(p => p.transfer)).toEqual(['b']);
  });
});

describe('parseChunked', () => {
  it.each([
    [{ ipycomm_chunk: 'x' }, /transfer id/],
    [
      { ipycomm_chunk: { transfer: 't', index: 2, count: 2 } },
      /bad index 2 of 2/
    ],
    [
      { ipycomm_chunk: { transfer: 't', index: 0, count: 2 } },
      /size and parts/
    ],
    [
      {
        ipycomm_chunk: {
          transfer: 't',
          index: 0,
          count: 1,
          size: 5,
          parts: [2, 2]
        }
      },
      /sum to 4, not 5/
    ]
  ])('names what is wrong with %j', (data, error) => {
    const parsed = parseChunked(data);
    expect(parsed.ok ? '' : parsed.error).toMatch(error);
  });

  it('reads cancel and error notices', () => {
    expect(
      parseChunked({ ipycomm_chunk: { transfer: 't', cancel: true } })
    ).toEqual({
      ok: true,
      value: { kind: 'cancel', transfer: 't' }
    });
    expect(
      parseChunked({ ipycomm_chunk: { transfer: 't', error: 'too big' } })
    ).toEqual({
      ok: true,
      value: { kind: 'error', transfer: 't', error: 'too big' }
    });
  });
});

describe('payloadBound', () => {
  it('is never below the exact payload size, even for non-ASCII text', () => {
    const data = { text: '€'.repeat(100) };
    const buffers = [bytes(10)];
    expect(payloadBound(data, buffers)).toBeGreaterThanOrEqual(
      payloadOf(data, buffers).size
    );
  });
});
