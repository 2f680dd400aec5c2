// Reads a QR code with the phone's camera: the browser's BarcodeDetector where it has one, else jsQR on
// video frames (loaded only when the camera opens). Renders nothing until JavaScript runs and a camera exists,
// so the typed-code form beside it is always the way that works.
import { useEffect, useRef, useState } from "react";

type QrScannerProps = {
  /** Called once per scan with the text the QR code holds. */
  onCode: (text: string) => void;
  label?: string;
};

type Detector = { detect: (source: HTMLVideoElement) => Promise<Array<{ rawValue: string }>> };
type DetectorConstructor = new (options: { formats: string[] }) => Detector;

export function QrScanner({ onCode, label = "Scan a QR code" }: QrScannerProps) {
  const [supported, setSupported] = useState(false);
  const [open, setOpen] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const videoRef = useRef<HTMLVideoElement>(null);
  const onCodeRef = useRef(onCode);
  onCodeRef.current = onCode;

  useEffect(() => {
    setSupported(typeof navigator !== "undefined" && !!navigator.mediaDevices?.getUserMedia);
  }, []);

  useEffect(() => {
    if (!open) return;
    let stopped = false;
    let stream: MediaStream | null = null;
    let timer: number | undefined;

    async function start() {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      } catch {
        setProblem("The camera could not be opened. Allow camera access, or type the code instead.");
        setOpen(false);
        return;
      }
      const video = videoRef.current;
      if (!video || stopped) return stream.getTracks().forEach((t) => t.stop());
      video.srcObject = stream;
      await video.play().catch(() => undefined);

      const Native = (globalThis as unknown as { BarcodeDetector?: DetectorConstructor }).BarcodeDetector;
      const detector = Native ? new Native({ formats: ["qr_code"] }) : null;
      const jsQR = detector ? null : (await import("jsqr")).default;
      const canvas = document.createElement("canvas");
      const context = canvas.getContext("2d", { willReadFrequently: true });

      const tick = async () => {
        if (stopped) return;
        let text: string | null = null;
        if (video.readyState >= 2) {
          if (detector) {
            const found = await detector.detect(video).catch(() => []);
            text = found[0]?.rawValue ?? null;
          } else if (jsQR && context) {
            canvas.width = video.videoWidth;
            canvas.height = video.videoHeight;
            context.drawImage(video, 0, 0, canvas.width, canvas.height);
            const image = context.getImageData(0, 0, canvas.width, canvas.height);
            text = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" })?.data ?? null;
          }
        }
        if (text && !stopped) {
          setOpen(false);
          onCodeRef.current(text.trim());
          return;
        }
        timer = window.setTimeout(tick, 200);
      };
      void tick();
    }
    void start();
    return () => {
      stopped = true;
      if (timer) window.clearTimeout(timer);
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [open]);

  if (!supported) return null;
  return (
    <div className="qr-scanner">
      {open ? (
        <>
          <video ref={videoRef} className="qr-scanner__video" muted playsInline aria-label="Camera view: hold the QR code inside the frame" />
          <button type="button" className="button button--secondary button--block" onClick={() => setOpen(false)}>
            Stop camera
          </button>
        </>
      ) : (
        <button
          type="button"
          className="button button--secondary button--block"
          onClick={() => {
            setProblem(null);
            setOpen(true);
          }}
        >
          {label}
        </button>
      )}
      {problem ? (
        <p className="field__error" role="alert">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
