import { kitText } from './kit-messages.ts';
import './kit.css';

interface QrCodeProps {
  svgUrl: string;
  pngUrl: string;
  alt: string;
  /** Called when a download starts (the workspace reports a share). */
  onDownload?: (format: 'svg' | 'png') => void;
}

/**
 * EXP-2 / REF-1: a QR code as the API draws it, with its SVG and PNG downloads. Only the
 * path is kept so the image stays on this origin (CSP `img-src 'self'`).
 */
export function QrCode({ svgUrl, pngUrl, alt, onDownload }: QrCodeProps) {
  const svgPath = new URL(svgUrl, location.origin).pathname;
  const pngPath = new URL(pngUrl, location.origin).pathname;
  return (
    <div class="qr-block">
      <img src={svgPath} alt={alt} width={176} height={176} class="qr-image" data-testid="qr-svg" />
      <ul class="download-links">
        <li>
          <a class="button button-secondary" href={`${svgPath}?download=1`} download="" onClick={() => onDownload?.('svg')}>
            {kitText('downloadSvg')}
          </a>
        </li>
        <li>
          <a class="button button-secondary" href={`${pngPath}?download=1`} download="" onClick={() => onDownload?.('png')}>
            {kitText('downloadPng')}
          </a>
        </li>
      </ul>
    </div>
  );
}
