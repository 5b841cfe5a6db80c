import { makeStyles, tokens } from "@fluentui/react-components";

/** The tracker's styles, shared by its parts (summary, timeline, sessions, forms). */
export const useTrackerStyles = makeStyles({
  stack: { display: "flex", flexDirection: "column", rowGap: tokens.spacingVerticalS },
  row: { display: "flex", flexWrap: "wrap", columnGap: tokens.spacingHorizontalS, rowGap: tokens.spacingVerticalXS, alignItems: "center" },
  list: { listStyleType: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", rowGap: tokens.spacingVerticalS },
  session: {
    display: "flex",
    flexDirection: "column",
    rowGap: tokens.spacingVerticalXS,
    padding: tokens.spacingHorizontalS,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  track: {
    position: "relative",
    height: "24px",
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground3,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
  },
  closingZone: { position: "absolute", top: 0, bottom: 0, backgroundColor: tokens.colorPaletteYellowBackground2 },
  marker: {
    position: "absolute",
    top: "2px",
    width: "8px",
    height: "18px",
    marginLeft: "-4px",
    borderRadius: tokens.borderRadiusSmall,
    backgroundColor: tokens.colorBrandBackground,
  },
  today: { position: "absolute", top: "-4px", bottom: "-4px", width: tokens.strokeWidthThicker, backgroundColor: tokens.colorNeutralForeground1 },
  form: { display: "flex", flexDirection: "column", rowGap: tokens.spacingVerticalS, maxWidth: "480px" },
});
