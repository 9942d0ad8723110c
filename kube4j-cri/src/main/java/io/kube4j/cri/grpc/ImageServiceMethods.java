package io.kube4j.cri.grpc;

import io.kube4j.cri.ImageService;
import io.kube4j.cri.api.*;
import java.util.List;

/**
 * The calls of the CRI {@code runtime.v1.ImageService}, built from the generated messages (no generated stubs).
 * Used by {@link RemoteRuntime} and {@link CriServices}. Immutable.
 */
public final class ImageServiceMethods {

    public static final String SERVICE = "runtime.v1.ImageService";

    public static final CriMethod<ImageService, ListImagesRequest, ListImagesResponse> LIST_IMAGES =
            CriMethod.unary(SERVICE, "ListImages", ListImagesRequest.getDefaultInstance(), ListImagesResponse.getDefaultInstance(),
                    ImageService::listImages);

    public static final CriMethod<ImageService, ImageStatusRequest, ImageStatusResponse> IMAGE_STATUS =
            CriMethod.unary(SERVICE, "ImageStatus", ImageStatusRequest.getDefaultInstance(), ImageStatusResponse.getDefaultInstance(),
                    ImageService::imageStatus);

    public static final CriMethod<ImageService, PullImageRequest, PullImageResponse> PULL_IMAGE =
            CriMethod.unary(SERVICE, "PullImage", PullImageRequest.getDefaultInstance(), PullImageResponse.getDefaultInstance(),
                    ImageService::pullImage);

    public static final CriMethod<ImageService, RemoveImageRequest, RemoveImageResponse> REMOVE_IMAGE =
            CriMethod.unary(SERVICE, "RemoveImage", RemoveImageRequest.getDefaultInstance(), RemoveImageResponse.getDefaultInstance(),
                    ImageService::removeImage);

    public static final CriMethod<ImageService, ImageFsInfoRequest, ImageFsInfoResponse> IMAGE_FS_INFO =
            CriMethod.unary(SERVICE, "ImageFsInfo", ImageFsInfoRequest.getDefaultInstance(), ImageFsInfoResponse.getDefaultInstance(),
                    ImageService::imageFsInfo);


    /** Every call of the service, in the order of the proto file. */
    public static final List<CriMethod<ImageService, ?, ?>> ALL = List.of(
            LIST_IMAGES,
            IMAGE_STATUS,
            PULL_IMAGE,
            REMOVE_IMAGE,
            IMAGE_FS_INFO);

    private ImageServiceMethods() {
    }
}
