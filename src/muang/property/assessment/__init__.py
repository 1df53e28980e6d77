"""Tax years, price tables and the assessment: the year's rule data, the assessment run and its typed
calculation sheet, and the bills issued from it (through billing's bill sync)."""
