// CSS injected into marge's page. Stock mochawesome fails axe's wcag2aa rules on 7 serious nodes:
// color-contrast (the red failure message, the grey footer text and links) and link-in-text-block
// (footer links told apart by colour only); expanded tests add highlighted code in low-contrast colours.
// These overrides darken those colours and underline links;
// they also place our coverage section below marge's fixed navbar. Marge's CSS-module class names
// carry a hash suffix, hence the [class*=...] selectors on the stable prefix.
export const accessibleTheme = `
a, a:visited { color: #0645ad; text-decoration: underline; }
[class*="test--error-message"] { color: #b71c1c !important; }
[class*="footer--component"], [class*="footer--component"] p, [class*="footer--component"] span { color: #262626 !important; }
[class*="footer--component"] a { color: #0645ad !important; text-decoration: underline !important; }
#report .details { padding-top: 16px; }
[class*="test--context-item"] a { color: #0645ad !important; text-decoration: underline !important; }
[class*="test--context-item"] code, [class*="test--context-item"] code span { color: #1a1a1a !important; }
.conformal-coverage { max-width: 1200px; margin: 72px auto 0; padding: 16px; background: #fff; color: #1a1a1a; font-family: Roboto, Arial, sans-serif; }
.conformal-coverage h2 { font-size: 20px; margin: 0 0 8px; }
.conformal-table { border-collapse: collapse; margin: 16px 0; width: 100%; font-size: 14px; }
.conformal-table caption { text-align: left; font-weight: bold; padding: 4px 0; }
.conformal-table th, .conformal-table td { border: 1px solid #8a8a8a; padding: 4px 8px; text-align: left; vertical-align: top; }
.conformal-table thead th { background: #e8e8e8; }
`;
