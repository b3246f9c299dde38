// Fulfilled content as people see it: the image or text from IPFS, with its AI-disclosure
// manifest (models, emotion, worker, signature) beside it.
import { ipfsUrl, fetchIpfsJson } from "./ipfs";
import { h } from "./ui/dom";

export function contentView(gatewayUrl: string, contentCid: string, manifestCid: string, compact = false): HTMLElement {
  const box = h("figure", { class: "content", dataset: { contentCid } });
  void fill(box, gatewayUrl, contentCid, manifestCid, compact);
  return box;
}

async function fill(box: HTMLElement, gatewayUrl: string, contentCid: string, manifestCid: string, compact: boolean) {
  const manifest: any = await fetchIpfsJson(gatewayUrl, manifestCid).catch(() => null);
  const media: string = manifest?.content?.mediaType ?? "";
  if (media.startsWith("image/")) {
    box.append(h("img", { src: ipfsUrl(gatewayUrl, contentCid), alt: manifest?.caption ?? `AI-generated ${manifest?.emotion ?? ""} image`,
                          width: compact ? 160 : 256, height: compact ? 160 : 256, loading: "lazy" }));
  } else {
    const text = await fetch(ipfsUrl(gatewayUrl, contentCid)).then((r) => r.text()).catch(() => "");
    box.append(h("blockquote", null, text.slice(0, 600)));
  }
  if (manifest?.caption && media.startsWith("image/")) box.append(h("p", null, manifest.caption));
  const models = (manifest?.models ?? []).map((m: any) => m.name ?? m.id ?? "model").join(", ");
  box.append(h("figcaption", { class: "small", dataset: { testid: "disclosure" } },
    h("strong", null, manifest?.aiGenerated ? "AI-generated. " : ""), manifest?.disclosure ?? "No AI-disclosure manifest found.",
    compact ? null : h("span", null, ` Emotion: ${manifest?.emotion ?? "?"}. Models: ${models || "?"}. Worker: ${manifest?.worker ?? "?"}.` +
      (manifest?.signature ? " Signed." : "")),
    " ", h("a", { href: ipfsUrl(gatewayUrl, manifestCid, "manifest.json") }, "manifest")));
}
