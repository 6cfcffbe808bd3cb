/**
 * A loose typing of ali-oss for this repository's tests and adapters. The published @types/ali-oss
 * disagrees with what ali-oss 6.23 returns (strings for numbers, objects for one-element arrays), so
 * results are left untyped here and every use site states what it expects.
 */
declare module 'ali-oss' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Loose = any;
  namespace OSS {
    interface Options {
      endpoint?: string;
      region?: string;
      accessKeyId: string;
      accessKeySecret: string;
      stsToken?: string;
      bucket?: string;
      secure?: boolean;
      timeout?: number | string;
      cname?: boolean;
      sldEnable?: boolean;
      authorizationV4?: boolean;
      retryMax?: number;
      agent?: unknown;
      [option: string]: unknown;
    }
  }
  class OSS {
    constructor(options: OSS.Options);
    options: Loose;
    [method: string]: Loose;
  }
  export = OSS;
}
