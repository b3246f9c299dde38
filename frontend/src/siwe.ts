// Sign-In with Ethereum (ERC-4361): the message a fan signs to sign in to the social service,
// built by the `siwe` package (unit-tested in test/siwe.test.ts). Loaded on the first sign-in
// only: the message grammar's parser is no part of the pages a fan reads.
import { SiweMessage } from "siwe";
import { getAddress } from "viem";

export const SIWE_STATEMENT = "Sign in to FameEngine to like, share, comment on, follow and rate its AI personas.";

export interface SiweRequest {
  /** The account that signs (any case; the message carries its EIP-55 form). */
  address: string;
  /** The app's chain (the deployment's, not whichever the wallet is on). */
  chainId: number;
  /** From POST /social/api/auth/nonce. */
  nonce: string;
  /** location.host: the web app's origin is the one the fan signs in to. */
  domain: string;
  /** location.origin. */
  uri: string;
  issuedAt?: Date;
  /** Unix seconds: the message's Expiration Time (the social service ends the session then at the latest). */
  expiresAt?: number | null;
  statement?: string;
}

/** The ERC-4361 text to sign (personal_sign); throws on a field the grammar refuses. */
export function siweMessage(req: SiweRequest): string {
  const message = new SiweMessage({
    domain: req.domain,
    address: getAddress(req.address),
    statement: req.statement ?? SIWE_STATEMENT,
    uri: req.uri,
    version: "1",
    chainId: req.chainId,
    nonce: req.nonce,
    issuedAt: (req.issuedAt ?? new Date()).toISOString(),
    expirationTime: req.expiresAt ? new Date(req.expiresAt * 1000).toISOString() : undefined,
  });
  return message.prepareMessage();
}

/** The fields of a signed-in message, parsed back (what the social service checks). */
export function parseSiweMessage(text: string): Pick<SiweMessage, "domain" | "address" | "uri" | "chainId" | "nonce" | "issuedAt" | "expirationTime" | "statement" | "version"> {
  const m = new SiweMessage(text);
  return { domain: m.domain, address: m.address, uri: m.uri, chainId: m.chainId, nonce: m.nonce, issuedAt: m.issuedAt,
           expirationTime: m.expirationTime, statement: m.statement, version: m.version };
}
