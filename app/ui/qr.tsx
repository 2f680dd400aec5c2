// A QR code drawn on the server as SVG (by the qrcode package in a loader), shown inline with its code as its name.

type QrCodeProps = {
  /** The SVG text from QRCode.toString(code, { type: "svg", ... }). */
  svg: string;
  /** What it encodes, read out by screen readers; the code is also shown as text beside it. */
  label: string;
  className?: string;
};

// Exactly what the qrcode package writes: one <svg> holding <path> elements with fill, stroke and d.
// Anything else is refused, so nothing but a drawing can reach dangerouslySetInnerHTML.
const QR_SVG =
  /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"(?: (?:viewBox|width|height|shape-rendering)="[^"<>]*")*>(?:<path(?: (?:fill|stroke|d)="[^"<>]*")+\/>)+<\/svg>\s*$/;

export function isQrSvg(svg: string): boolean {
  return QR_SVG.test(svg);
}

export function QrCode({ svg, label, className }: QrCodeProps) {
  if (!isQrSvg(svg)) throw new Error("QrCode: not an SVG from the qrcode package");
  return (
    <div
      className={className ? `qr ${className}` : "qr"}
      role="img"
      aria-label={label}
      // Our own SVG, checked above; the only markup inserted this way.
      dangerouslySetInnerHTML={{ __html: svg }}
    />
  );
}
