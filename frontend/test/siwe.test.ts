import { describe, expect, it } from "vitest";
import { getAddress, hashMessage, recoverMessageAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { SIWE_STATEMENT, parseSiweMessage, siweMessage } from "../src/siwe";
import { ethers } from "../src/wallet/siwe-ethers";

// anvil's dev account #1 (a public test key, never for real funds).
const dev1 = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const request = {
  address: dev1.address.toLowerCase(),
  chainId: 31337,
  nonce: "k3j4h5g6f7d8s9a0",
  domain: "127.0.0.1:8088",
  uri: "http://127.0.0.1:8088",
  issuedAt: new Date("2026-01-01T00:00:00.000Z"),
  expiresAt: 1_767_226_200,
};

describe("Sign-In with Ethereum message", () => {
  it("is ERC-4361 text for the app's origin, chain and the service's nonce", () => {
    expect(siweMessage(request)).toBe([
      "127.0.0.1:8088 wants you to sign in with your Ethereum account:",
      dev1.address,
      "",
      SIWE_STATEMENT,
      "",
      "URI: http://127.0.0.1:8088",
      "Version: 1",
      "Chain ID: 31337",
      "Nonce: k3j4h5g6f7d8s9a0",
      "Issued At: 2026-01-01T00:00:00.000Z",
      "Expiration Time: 2026-01-01T00:10:00.000Z",
    ].join("\n"));
  });

  it("parses back to what the service checks", () => {
    const parsed = parseSiweMessage(siweMessage(request));
    expect(parsed).toMatchObject({ domain: "127.0.0.1:8088", address: getAddress(request.address), uri: "http://127.0.0.1:8088",
                                   chainId: 31337, nonce: request.nonce, version: "1", issuedAt: "2026-01-01T00:00:00.000Z",
                                   expirationTime: "2026-01-01T00:10:00.000Z" });
  });

  it("leaves the expiration out when there is none, and stamps the time", () => {
    const before = Date.now();
    const text = siweMessage({ ...request, issuedAt: undefined, expiresAt: null, domain: "fame.example", uri: "https://fame.example" });
    expect(text).not.toContain("Expiration Time");
    expect(text.startsWith("fame.example wants you to sign in")).toBe(true);
    const issued = Date.parse(parseSiweMessage(text).issuedAt!);
    expect(issued).toBeGreaterThanOrEqual(before - 1000);
    expect(issued).toBeLessThanOrEqual(Date.now());
  });

  it("refuses what the grammar refuses", () => {
    expect(() => siweMessage({ ...request, nonce: "short" })).toThrow();
    expect(() => siweMessage({ ...request, address: "0x1234" })).toThrow();
  });

  it("is signed as an EIP-191 personal message", async () => {
    const message = siweMessage(request);
    const signature = await dev1.signMessage({ message });
    expect(await recoverMessageAddress({ message, signature })).toBe(dev1.address);
  });
});

describe("siwe's ethers, mapped to viem in the bundle", () => {
  it("has what siwe calls", () => {
    expect(ethers.getAddress(request.address)).toBe(dev1.address);
    expect(ethers.hashMessage("hi")).toBe(hashMessage("hi"));
    expect(() => ethers.verifyMessage()).toThrow(/social service/);
  });
});
