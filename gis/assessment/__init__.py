"""River-chief assessment (河长履职考核): the scorecard of a period, from the patrols, the
events and the water-quality sections, by rule tables a county may override."""

from gis.assessment.scorecard import GRADES, Scorecard, assess_chiefs

__all__ = ["GRADES", "Scorecard", "assess_chiefs"]
