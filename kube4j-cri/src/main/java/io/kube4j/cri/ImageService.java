package io.kube4j.cri;

import io.kube4j.cri.api.*;

/**
 * The image half of CRI v1.
 *
 * <p>Called by the kubelet's image manager and image garbage collector, from virtual threads; every method
 * blocks. {@link #imageStatus} answers with no image (not an error) when the image is absent;
 * {@link #removeImage} is idempotent. Failures are thrown as {@link CriException}. Implementations are
 * thread-safe.
 */
public interface ImageService {

    ListImagesResponse listImages(ListImagesRequest request);

    ImageStatusResponse imageStatus(ImageStatusRequest request);

    PullImageResponse pullImage(PullImageRequest request);

    RemoveImageResponse removeImage(RemoveImageRequest request);

    ImageFsInfoResponse imageFsInfo(ImageFsInfoRequest request);
}
