// The `siwe` package names ethers as its Ethereum library, for verifying signatures (the
// social service does that, not the browser) and for EIP-55 addresses. The browser build maps
// `ethers` to this module (vite.config.ts), so the app carries one Ethereum library: viem.
import { getAddress, hashMessage } from "viem";

function verifyMessage(): never {
  throw new Error("SIWE signatures are verified by the social service, not in the browser");
}

export const ethers = { getAddress, hashMessage, verifyMessage };
export default ethers;
