namespace X;
