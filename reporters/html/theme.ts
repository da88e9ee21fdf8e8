// CSS injected into marge's page. Stock mochawesome fails axe's wcag2aa rules: color-contrast (the
// green/red/blue result counts of every suite, the red failure message, the grey footer text and
// links), link-in-text-block (footer links told apart by colour only) and scrollable-region-focusable
// (long context lines scroll sideways in a <pre> no keyboard can reach). These overrides darken those
// colours, underline links and wrap long lines and names so nothing scrolls sideways at 1280 px;
// they also place our summary below marge's fixed navbar. Marge's CSS-module class names carry a hash
// suffix, hence the [class*=...] selectors on the stable prefix.

/** A text colour we set, on the background marge draws behind it (its CSS, checked by hand). */
export interface TextColour {
  readonly selector: string;
  readonly color: string;
  readonly background: string;
}

const white = '#ffffff';
const pageGrey = '#f2f2f2'; // marge's body background, behind the footer
const codeGrey = '#fafafa'; // marge's test body, behind context and error code blocks

/** Every text colour of the theme; test/reporters/html/theme.test.ts holds each pair to WCAG AA (4.5:1). */
export const textColours: readonly TextColour[] = [
  { selector: '[class*="suite-summary--passed"]', color: '#2e7d32', background: white },
  { selector: '[class*="suite-summary--failed"]', color: '#c62828', background: white },
  { selector: '[class*="suite-summary--pending"]', color: '#01579b', background: white },
  { selector: '[class*="suite-summary--skipped"]', color: '#616161', background: white },
  { selector: '[class*="test--duration-icon"][class*="test--slow"]', color: '#c62828', background: white },
  { selector: '[class*="test--duration-icon"][class*="test--medium"]', color: '#7a5c00', background: white },
  { selector: '[class*="test--error-message"]', color: '#b71c1c', background: white },
  { selector: '[class*="footer--component"], [class*="footer--component"] p, [class*="footer--component"] span', color: '#262626', background: pageGrey },
  { selector: '[class*="footer--component"] a', color: '#0645ad', background: pageGrey },
  { selector: '[class*="test--context-item"] a', color: '#0645ad', background: white },
  { selector: '[class*="test--code-snippet"], [class*="test--code-snippet"] code, [class*="test--code-snippet"] span', color: '#1a1a1a', background: codeGrey },
  { selector: '.conformal-report', color: '#1a1a1a', background: white },
  { selector: '.conformal-table thead th', color: '#1a1a1a', background: '#e8e8e8' },
];

// Long test names, spec URLs, ids and stack lines wrap instead of widening the page.
const layout = `
a, a:visited { color: #0645ad; text-decoration: underline; }
[class*="footer--component"] a, [class*="test--context-item"] a { text-decoration: underline !important; }
#report .details { padding-top: 16px; }
[class*="test--code-snippet"] { white-space: pre-wrap !important; overflow-wrap: anywhere; overflow-x: visible !important; }
[class*="test--title"], [class*="suite--title"] span { white-space: normal !important; overflow-wrap: anywhere; }
.conformal-report { max-width: 1110px; margin: 0 auto; padding: 16px; background: #fff; font-family: Roboto, Arial, sans-serif; overflow-wrap: anywhere; }
.conformal-summary { margin-top: 72px; }
.conformal-coverage { margin-top: 24px; margin-bottom: 80px; }
.conformal-report h2 { font-size: 20px; margin: 0 0 8px; }
.conformal-table { border-collapse: collapse; margin: 16px 0; width: 100%; font-size: 14px; }
.conformal-table caption { text-align: left; font-weight: bold; padding: 4px 0; }
.conformal-table th, .conformal-table td { border: 1px solid #8a8a8a; padding: 4px 8px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
.conformal-table thead th { background: #e8e8e8; }
`;

export const accessibleTheme = `${layout}${textColours.map((c) => `${c.selector} { color: ${c.color} !important; }`).join('\n')}\n`;
