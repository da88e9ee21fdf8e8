import { describe, expect, it } from 'vitest';
import { accessibleTheme, textColours } from '../../../reporters/html/theme.js';

/** WCAG 2 contrast ratio of two #rrggbb colours (relative luminance, sRGB). */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

describe('accessible theme', () => {
  it('computes contrast as axe does: stock marge\'s green count on white is 2.78:1, failing AA', () => {
    expect(contrast('#4caf50', '#ffffff')).toBeCloseTo(2.78, 2);
    expect(contrast('#000000', '#ffffff')).toBe(21);
  });

  it.each(textColours.map((c) => [c.selector, c]))('%s meets WCAG AA (4.5:1) on its background', (_selector, colour) => {
    expect(colour.color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(contrast(colour.color, colour.background)).toBeGreaterThanOrEqual(4.5);
  });

  it('sets every colour it declares', () => {
    for (const { selector, color } of textColours) expect(accessibleTheme).toContain(`${selector} { color: ${color} !important; }`);
  });
});
