/** The certificate and key `serve --tls-cert FILE --tls-key FILE` serves HTTPS with. */
import { ConfigError } from "../config.ts";

/** The PEM certificate chain and key for Deno.serve; a file that cannot be read is a ConfigError. */
export function readTlsFiles(
  files: { certFile: string; keyFile: string },
): { cert: string; key: string } {
  const read = (flag: string, path: string) => {
    try {
      return Deno.readTextFileSync(path);
    } catch (error) {
      throw new ConfigError(
        `${flag}: cannot read ${path} (${error instanceof Error ? error.message : error})`,
      );
    }
  };
  return { cert: read("--tls-cert", files.certFile), key: read("--tls-key", files.keyFile) };
}
